from django.urls import path

from partners import views, views_dpo

urlpatterns = [
    path("", views.home, name="home"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/people/", views.people_list, name="people-list"),
    path("partners/competencies/", views.competency_matrix, name="competency-matrix"),
    path("partners/competencies/toggle/", views.competency_toggle, name="competency-toggle"),
    path("partners/protocols/", views.protocol_list, name="protocol-list"),
    path("partners/protocols/new/", views.protocol_create, name="protocol-create"),
    path("partners/protocols/<uuid:code>/extend/", views.protocol_extend, name="protocol-extend"),
    path("partners/<uuid:code>/", views.partner_detail, name="partner-detail"),
    path("privacy/audit/", views_dpo.audit_log, name="audit-log"),
    path("privacy/subject-access/", views_dpo.subject_access_page, name="subject-access"),
]
