"""Other reasons a premises is flagged at the permit desk, besides its own flag and risk.

Apps that build on gis/ (a decision in force in decisions/) register a source in their
``AppConfig.ready``; gis/ never imports them::

    from gis.flags import register_flag_source

    @register_flag_source
    def decisions_in_force(premises):
        return {ids of the premises flagged}

A source receives the premises the lookup matched and returns the ids of those it
flags. It gives no reason: the permit desk sees "flagged" or "no flag", never why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gis.models import Premises

FlagSource = Callable[[Sequence[Premises]], set[int]]
SOURCES: list[FlagSource] = []


def register_flag_source(source: FlagSource) -> FlagSource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def flagged_ids(premises: Sequence[Premises]) -> set[int]:
    """The ids of ``premises`` that are flagged, by themselves or by any source."""
    flagged = {item.pk for item in premises if item.is_flagged}
    rest = [item for item in premises if item.pk not in flagged]
    for source in SOURCES:
        if not rest:
            break
        flagged |= source(rest)
        rest = [item for item in rest if item.pk not in flagged]
    return flagged
