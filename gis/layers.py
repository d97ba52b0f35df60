"""Reading a city's GIS layer, whatever it came as: GeoPackage, Shapefile (loose or zipped),
GeoJSON, or CSV with coordinate columns.

Rules:

* A file that cannot be read as a whole raises :class:`LayerError` with a message fit for
  the user (empty file, absurd archive, shapefile without its .dbf, GeoJSON that is not
  JSON, CSV without coordinate columns, no CRS, unknown layer…).
* Problems of single rows (text that cannot be decoded, coordinates that are not numbers)
  are kept in :attr:`Layer.problems` for the importer to report; rows count from 1 in the
  order of the file, the header of a CSV not counted.
* The CRS comes from the file; ``crs`` is used only when the file has none, and a ``crs``
  that contradicts the file's is refused rather than silently ignored.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import itertools
import json
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import pyproj
import shapely
from django.utils.translation import gettext as _
from pyogrio.geopandas import _try_parse_datetime as try_parse_datetime

# An archive may hold a large layer, never gigabytes; a ratio this high is a zip bomb.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ARCHIVE_MEMBERS = 1000

VECTOR_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
SUFFIXES = (*VECTOR_SUFFIXES, *CSV_SUFFIXES, ".zip")

# Coordinate column pairs of a CSV, most specific first; lon/lat pairs imply WGS84.
XY_COLUMNS = [
    ("x", "y"),
    ("x_coord", "y_coord"),
    ("xcoord", "ycoord"),
    ("easting", "northing"),
    ("x_lambert", "y_lambert"),
    ("rd_x", "rd_y"),
]
LONLAT_COLUMNS = [("lon", "lat"), ("lng", "lat"), ("longitude", "latitude"), ("long", "lat")]
UNDECODED = "\ufffd"


class LayerError(Exception):
    """The file cannot be imported as a whole; the message says why, for the user."""


@dataclass
class Layer:
    name: str
    crs: str
    table: pd.DataFrame
    geometry: np.ndarray
    encoding: str = ""
    problems: dict[int, tuple[str, str]] = field(default_factory=dict)
    # Fields read as text, by name (see column()).
    text_columns: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @property
    def fields(self) -> list[str]:
        return [str(column) for column in self.table.columns]

    def __len__(self) -> int:
        return len(self.geometry)


def check_file(path: Path) -> None:
    if not path.exists():
        raise LayerError(_("The file %(name)s does not exist.") % {"name": path.name})
    if path.stat().st_size == 0:
        raise LayerError(_("The file %(name)s is empty (0 bytes).") % {"name": path.name})
    if path.suffix.lower() not in SUFFIXES:
        raise LayerError(
            _("%(name)s is not a layer Integra can read.") % {"name": path.name}
            + " "
            + _("Use a GeoPackage, a Shapefile, GeoJSON or CSV.")
        )


def unpack(path: Path, workdir: Path) -> Path:
    """The file to read: ``path`` itself, or the one layer inside a zip archive, extracted
    into ``workdir`` after its sizes were checked."""
    check_file(path)
    if path.suffix.lower() != ".zip":
        return path
    members = safe_members(path)
    target = workdir / "unpacked"
    target.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(path) as archive:
            for member in members:
                name = PurePosixPath(member.filename).name
                with archive.open(member) as source, (target / name).open("wb") as sink:
                    sink.write(source.read(member.file_size + 1)[: member.file_size])
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        # A damaged member (bad header, CRC, compression) shows only while extracting.
        raise LayerError(
            _("The archive %(name)s is damaged and cannot be unpacked.") % {"name": path.name}
        ) from error
    candidates = sorted(
        p for p in target.iterdir() if p.suffix.lower() in VECTOR_SUFFIXES + CSV_SUFFIXES
    )
    if not candidates:
        raise LayerError(_("The archive %(name)s holds no layer.") % {"name": path.name})
    shapefiles = [p for p in candidates if p.suffix.lower() == ".shp"]
    chosen = shapefiles or candidates
    if len(chosen) > 1:
        names = ", ".join(p.name for p in chosen)
        raise LayerError(
            _("The archive %(name)s holds several layers (%(names)s): upload one at a time.")
            % {"name": path.name, "names": names}
        )
    return chosen[0]


def safe_members(path: Path) -> list[zipfile.ZipInfo]:
    """The archive's files, refused as a whole when its sizes are absurd (checked from the
    directory, before anything is extracted)."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise LayerError(_("%(name)s is not a valid zip archive.") % {"name": path.name}) from error
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
    total = sum(info.file_size for info in members)
    if len(members) > MAX_ARCHIVE_MEMBERS or total > MAX_UNCOMPRESSED_BYTES:
        raise LayerError(
            _("The archive %(name)s would unpack to %(size)d MB in %(count)d files: refused.")
            % {"name": path.name, "size": total // 2**20, "count": len(members)}
        )
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 2**20 and ratio > MAX_COMPRESSION_RATIO:
            raise LayerError(
                _(
                    "The archive %(name)s is refused: %(member)s is compressed %(ratio)d times, "
                    "which no real layer is."
                )
                % {"name": path.name, "member": info.filename, "ratio": ratio}
            )
    return members


def list_layers(path: Path) -> list[str]:
    if path.suffix.lower() in CSV_SUFFIXES:
        return [path.stem]
    check_sidecars(path)
    try:
        return [str(name) for name, _geometry_type in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as error:
        raise unreadable(path, error) from error


def check_sidecars(path: Path) -> None:
    if path.suffix.lower() != ".shp":
        return
    present = {p.suffix.lower() for p in path.parent.glob(path.stem + ".*")}
    for needed in (".dbf", ".shx"):
        if needed not in present:
            raise LayerError(
                _(
                    "The shapefile %(name)s comes without its %(sidecar)s file: upload the .shp "
                    "with its .dbf, .shx and .prj (for instance zipped together)."
                )
                % {"name": path.name, "sidecar": needed}
            )


def unreadable(path: Path, error: Exception) -> LayerError:
    if path.suffix.lower() in (".geojson", ".json"):
        try:
            json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError) as json_error:
            return LayerError(
                _("%(name)s is not valid JSON: %(error)s")
                % {"name": path.name, "error": json_error}
            )
    return LayerError(
        _("%(name)s could not be read as a layer: %(error)s") % {"name": path.name, "error": error}
    )


def choose_layer(path: Path, layer: str | None) -> str:
    names = list_layers(path)
    if layer:
        if layer not in names:
            raise LayerError(
                _("%(name)s has no layer “%(layer)s”; its layers are: %(names)s.")
                % {"name": path.name, "layer": layer, "names": ", ".join(names)}
            )
        return layer
    if len(names) > 1:
        raise LayerError(
            _("%(name)s holds several layers; choose one with the layer option: %(names)s.")
            % {"name": path.name, "names": ", ".join(names)}
        )
    if not names:
        raise LayerError(_("%(name)s holds no layer.") % {"name": path.name})
    return names[0]


def resolve_crs(found: object, given: str | None) -> str:
    """The layer's CRS as ``EPSG:n`` (or PROJ text when it has no EPSG code)."""
    if not found and not given:
        raise LayerError(
            _(
                "The layer does not say which coordinate reference system it uses; give it "
                "(for example EPSG:31370 for Belgian Lambert 72, EPSG:28992 for RD New)."
            )
        )
    try:
        crs = pyproj.CRS.from_user_input(found or given)
        if found and given and not crs.equals(pyproj.CRS.from_user_input(given), True):
            raise LayerError(
                _("The layer says its CRS is %(found)s, not %(given)s: leave the CRS out.")
                % {"found": crs_name(crs), "given": given}
            )
    except pyproj.exceptions.CRSError as error:
        raise LayerError(_("Unknown coordinate reference system “%s”.") % given) from error
    return crs_name(crs)


def crs_name(crs: pyproj.CRS) -> str:
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else crs.to_string()[:40]


@functools.lru_cache(maxsize=16)
def to_wgs84(crs: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def check_filter(path: Path, where: str | None) -> None:
    """A filter is one expression on a vector layer's fields; a CSV is read by Integra
    itself, which does not apply one, so it is refused there rather than ignored."""
    if not where:
        return
    if path.suffix.lower() in CSV_SUFFIXES:
        raise LayerError(
            _(
                "A filter works on GeoPackage, Shapefile and GeoJSON layers, not on CSV: "
                "leave it out, or remove the other rows from the file."
            )
        )
    if ";" in where:
        raise LayerError(_("The filter cannot be applied: write one expression, without “;”."))


def filter_error(error: Exception, where: str) -> LayerError:
    """GDAL's complaint about a filter, without the SQL it built around it."""
    reason = str(error).split(f"{where}: ", 1)[-1]
    return LayerError(
        _(
            "The filter cannot be applied: %(reason)s. Write it with the layer's fields, "
            "e.g. nis_code = '23027'."
        )
        % {"reason": reason}
    )


def count_features(path: Path, *, layer: str | None, where: str | None) -> int:
    """How many features of the layer the filter keeps (all without one), without reading
    their fields or geometries."""
    check_filter(path, where)
    if path.suffix.lower() in CSV_SUFFIXES:
        # The data lines, without parsing them: for the preview's row count.
        return sum(1 for line in path.read_bytes().splitlines()[1:] if line.strip())
    try:
        _meta, fids, _geometry, _fields = pyogrio.raw.read(
            path,
            layer=choose_layer(path, layer),
            where=where or None,
            columns=[],
            read_geometry=False,
            return_fids=True,
        )
    except (pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as error:
        raise filter_error(error, where) if where else LayerError(str(error)) from error
    return len(fids)


def read_layer(
    path: Path,
    *,
    layer: str | None = None,
    crs: str | None = None,
    where: str | None = None,
    max_rows: int | None = None,
    encoding: str | None = None,
    require_crs: bool = True,
) -> Layer:
    """Read ``path`` (already unpacked) into a :class:`Layer`. Without ``require_crs`` (a
    preview) a layer without CRS is read anyway, its ``crs`` left empty."""
    check_file(path)
    check_filter(path, where)
    if path.suffix.lower() in CSV_SUFFIXES:
        return read_csv(
            path, crs=crs, max_rows=max_rows, encoding=encoding, require_crs=require_crs
        )
    name = choose_layer(path, layer)
    try:
        meta, wkb, fields = read_columns(
            path, layer=name, where=where or None, max_features=max_rows, encoding=encoding
        )
    except pyogrio.errors.DataSourceError as error:
        raise unreadable(path, error) from error
    except (pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as error:
        if where:
            raise filter_error(error, where) from error
        raise LayerError(_("The layer could not be read: %s") % error) from error
    rows = len(wkb) if wkb is not None else len(fields[0]) if len(fields) else 0
    table = field_table(meta, fields, rows)
    found = meta["crs"] if wkb is not None else None
    geometry = shapely.from_wkb(wkb) if wkb is not None else np.full(len(table), None, dtype=object)
    return Layer(
        name=name,
        crs=resolve_crs(found, crs) if require_crs or found or crs else "",
        table=table,
        geometry=geometry,
    )


def read_columns(
    path: Path, **options: Any
) -> tuple[dict[str, Any], np.ndarray | None, list[np.ndarray]]:
    """The layer's metadata, geometries (WKB, None without geometry) and fields, as
    ``pyogrio.raw.read`` gives them, read through GDAL's Arrow stream: column by column
    in GDAL's own code, where the feature-by-feature read takes five times as long for a
    100,000-row layer."""
    meta, table = pyogrio.raw.read_arrow(path, datetime_as_string=True, **options)
    names = [str(name) for name in meta["fields"]]
    fields = [raw_values(table.column(index)) for index in range(len(names))]
    # The geometry, when the layer has one, follows the fields.
    wkb = (
        table.column(len(names)).to_numpy(zero_copy_only=False)
        if table.num_columns > len(names)
        else None
    )
    return meta, wkb, fields


def raw_values(values: pa.ChunkedArray) -> np.ndarray:
    """An Arrow column as ``pyogrio.raw.read`` gives it: missing values are None in text,
    NaN in numbers, and a yes/no field with missing values is read as numbers (1.0, 0.0,
    NaN), as an integer field with missing values is."""
    if pa.types.is_boolean(values.type) and values.null_count:
        values = values.cast(pa.float64())
    return values.to_numpy(zero_copy_only=False)


def field_table(meta: dict[str, Any], fields: list[np.ndarray], rows: int) -> pd.DataFrame:
    """The fields as pyogrio's read_dataframe gives them, dates and JSON parsed alike,
    but text kept in the arrays read instead of copied into pandas' string columns: the
    importer reads each value as text once anyway (see :func:`column`), and the copies
    cost a 100,000-row layer a fifth of its reading."""
    names = [str(name) for name in meta["fields"]]
    table = pd.DataFrame(
        {
            name: pd.Series(values, dtype=values.dtype, copy=False)
            for name, values in zip(names, fields, strict=True)
        },
        columns=names,
        # A layer of geometries without fields still has its rows (for the preview).
        index=pd.RangeIndex(rows),
    )
    kinds = zip(names, meta["dtypes"], meta["ogr_subtypes"], strict=True)
    for name, dtype, subtype in kinds:
        if str(dtype).startswith("datetime"):
            # As read_dataframe does, with its defaults.
            table[name] = try_parse_datetime(table[name], False, True)
        if subtype == "OFSTJSON" and pd.api.types.infer_dtype(table[name]) == "string":
            # Left as text when it is not JSON, as read_dataframe leaves it.
            with contextlib.suppress(ValueError, TypeError):
                table[name] = table[name].map(json.loads, na_action="ignore")
    return table


def detect_encoding(raw: bytes) -> str:
    """UTF-8 when the file says so (a BOM) or when its non-ASCII text decodes as UTF-8;
    otherwise Windows-1252, which is what spreadsheets on Belgian and Dutch desktops write."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    valid_utf8 = 0
    for line in raw.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        valid_utf8 += 1
    if valid_utf8 or raw.isascii():
        return "utf-8"
    return "cp1252"


def read_csv(
    path: Path,
    *,
    crs: str | None,
    max_rows: int | None,
    encoding: str | None = None,
    require_crs: bool = True,
) -> Layer:
    raw = path.read_bytes()
    encoding = encoding or detect_encoding(raw)
    # Undecodable bytes become U+FFFD, so the rows holding them can be named.
    text = raw.decode(encoding, errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    overlong = overlong_rows(text, delimiter, max_rows)
    if overlong:
        # pandas would drop the extra fields of the first row, and stop at any later one.
        raise LayerError(
            _(
                "%(name)s has rows with more fields than its header: %(rows)s. Is there a "
                "delimiter (%(delimiter)s) in a value? Put such values in quotes."
            )
            % {
                "name": path.name,
                "delimiter": delimiter,
                "rows": "; ".join(
                    _("row %(row)d: %(found)d instead of %(expected)d")
                    % {"row": row, "found": found, "expected": expected}
                    for row, found, expected in overlong[:5]
                ),
            }
        )
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            nrows=max_rows,
            skipinitialspace=True,
            # Rows longer than the header must not turn the first column into the index.
            index_col=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise LayerError(
            _("%(name)s could not be read as CSV: %(error)s") % {"name": path.name, "error": error}
        ) from error
    table.columns = [str(column).strip() for column in table.columns]
    x_column, y_column, implied_crs = coordinate_columns(table.columns, path.name)
    layer = Layer(
        name=path.stem,
        crs=resolve_crs(None, crs or implied_crs) if require_crs or crs or implied_crs else "",
        table=table,
        geometry=np.full(len(table), None, dtype=object),
        encoding=encoding,
    )
    layer.problems.update(undecodable_rows(table, encoding))
    x = pd.to_numeric(table[x_column].str.replace(",", ".", regex=False), errors="coerce")
    y = pd.to_numeric(table[y_column].str.replace(",", ".", regex=False), errors="coerce")
    given = (table[x_column] != "") & (table[y_column] != "")
    numeric = x.notna() & y.notna()
    layer.geometry[numeric.to_numpy()] = shapely.points(x[numeric], y[numeric])
    for index in np.flatnonzero((given & ~numeric).to_numpy()):
        layer.problems.setdefault(
            int(index),
            (
                _("coordinates are not numbers"),
                f"{table[x_column].iloc[index]}, {table[y_column].iloc[index]}",
            ),
        )
    return layer


def coordinate_columns(columns: pd.Index, filename: str) -> tuple[str, str, str | None]:
    by_lower = {str(column).lower(): str(column) for column in columns}
    for pairs, implied in ((XY_COLUMNS, None), (LONLAT_COLUMNS, "EPSG:4326")):
        for x_name, y_name in pairs:
            if x_name in by_lower and y_name in by_lower:
                return by_lower[x_name], by_lower[y_name], implied
    raise LayerError(
        _(
            "%(name)s has no coordinate columns: name them x and y (with the CRS) or lon and "
            "lat (WGS84). Its columns are: %(columns)s."
        )
        % {"name": filename, "columns": ", ".join(map(str, columns))}
    )


def overlong_rows(text: str, delimiter: str, rows: int | None) -> list[tuple[int, int, int]]:
    """Data rows (numbered from 1, among the first ``rows``) holding more fields than the
    header, with both counts. The usual cause is a delimiter in an unquoted value
    (``Grote Markt 1, Halle``), which shifts the coordinates into other columns."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    found: list[tuple[int, int, int]] = []
    try:
        header = next(reader, [])
        # Blank lines are no rows, as for pandas.
        records = (fields for fields in reader if any(field.strip() for field in fields))
        for number, fields in enumerate(itertools.islice(records, rows), 1):
            if len(fields) > len(header):
                found.append((number, len(fields), len(header)))
    except csv.Error:
        pass  # pandas reads the file next, and says what is wrong with it
    return found


def undecodable_rows(table: pd.DataFrame, encoding: str) -> dict[int, tuple[str, str]]:
    problems: dict[int, tuple[str, str]] = {}
    for column in table.columns:
        hits = table[column].str.contains(UNDECODED, na=False, regex=False)
        for index in np.flatnonzero(hits.to_numpy()):
            if int(index) not in problems:
                problems[int(index)] = (
                    _("undecodable text"),
                    _("%(column)s: “%(value)s” is not %(encoding)s")
                    % {"column": column, "value": table[column].iloc[index], "encoding": encoding},
                )
    return problems


# Field names a layer commonly uses, lower case, most specific first.
CANDIDATES: dict[str, list[str]] = {
    "id_field": [
        "external_id", "id", "identificatie", "address_id", "adres_id", "osm_id", "uidn",
        "objectid", "object_id", "gid", "fid", "code",
    ],
    "name_field": ["name", "naam", "name_nl", "naam_nl", "nom", "handelsnaam", "trade_name"],
    "sector_field": ["sector", "sector_code", "amenity", "shop", "category", "categorie"],
    "parcel_field": ["capakey", "capa_key", "parcel_key", "perceelsleutel"],
    "enterprise_field": [
        "enterprise_number", "kbo", "kbo_nummer", "kbonummer", "ondernemingsnummer", "bce",
        "numero_entreprise",
    ],
    "bag_field": ["bag_id", "identificatie", "nummeraanduiding_id", "verblijfsobject_id"],
    "address_id_field": [
        "address_register_id", "adressenregister_id", "adresid", "adres_id", "address_id",
    ],
    "address_version_field": ["address_register_version", "versie_id", "version_id"],
    "operator_field": ["operator_name", "operator", "uitbater", "exploitant"],
    # The municipality a row belongs to, by code first (a name may be in another language).
    "municipality_field": [
        "nis_code", "niscode", "refnis", "ins_code", "code_ins", "gemeentecode",
        "gemeente_code", "statcode", "gm_code", "cbs_code", "municipality_code",
        "municipality_nl", "municipality", "gemeentenaam", "gemeente", "commune", "statnaam",
    ],
}  # fmt: skip
ZONE_CANDIDATES: dict[str, list[str]] = {
    "id_field": [
        "external_id", "id", "geoitem", "code", "statcode", "nis_code", "niscode", "politiezon",
        "kwg_id", "fid",
    ],
    "name_field": ["name", "naam", "statnaam", "nom", "politiezon"],
}  # fmt: skip
# Parts of an address spread over several fields, as address registers deliver them.
# Belgian registers (BeSt) carry the street and the town in both languages: the names in
# the municipality's language come first, so a French-speaking commune's addresses read
# "Chaussée de Buda 49 bte 2, 1130 Bruxelles" and a Flemish city's "Bergensesteenweg 49
# bus 2, 1500 Halle".
ADDRESS_PARTS: dict[str, list[str]] = {
    "address": ["address", "adres", "adresse", "volledig_adres", "full_address"],
    "street": ["street", "straat", "straatnaam", "street_nl", "streetname", "rue", "addr:street"],
    "number": ["housenumber", "huisnummer", "house_number", "number", "addr:housenumber"],
    "letter": ["huisletter"],
    "suffix": ["toevoeging", "huisnummertoevoeging"],
    "box": ["boxnumber", "busnummer", "boite", "numero_boite"],
    "postcode": ["postcode", "postal_code", "zipcode", "zip", "code_postal", "addr:postcode"],
    "city": ["city", "woonplaats", "municipality_nl", "gemeente", "addr:city"],
}
ADDRESS_PARTS_IN: dict[str, dict[str, list[str]]] = {
    "fr": {
        "street": ["street_fr", "rue", "nom_rue", "streetname_fr"],
        "city": ["municipality_fr", "commune", "localite", "city_fr"],
    },
    "nl": {"street": ["street_nl", "straatnaam_nl"], "city": ["municipality_nl", "gemeente"]},
}
# The word before a box number, in the municipality's language (official usage).
BOX_WORDS = {"nl": "bus", "fr": "bte"}


def address_parts(language: str) -> dict[str, list[str]]:
    """The candidate names of each part, the municipality's language first."""
    own = ADDRESS_PARTS_IN.get(language[:2], {})
    return {part: [*own.get(part, []), *names] for part, names in ADDRESS_PARTS.items()}


@dataclass
class Prepared:
    """What a layer would write, column by column: the external ids and, aligned with
    them, one list of values per field; and the problems found."""

    fields: tuple[str, ...]
    ids: list[str] = field(default_factory=list)
    columns: list[list[Any]] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    # The layer's own municipality field and its value per row, when it has one.
    municipality_field: str = ""
    municipalities: list[str] = field(default_factory=list)
    # Columns not computed yet (None in ``columns``): ``later(start, end)`` gives their
    # values for rows start..end, by position in ``fields``. An import writes the first
    # rows while it computes the next ones (see gis.importing.insert_parts).
    later: Callable[[int, int], dict[int, list[Any]]] | None = field(default=None, repr=False)

    def problem(self, index: int, reason: str, detail: str = "") -> None:
        self.problems.append((index + 1, reason, detail))

    def part(self, start: int, end: int) -> list[list[Any]]:
        """The external ids, then the fields' columns, of rows start..end."""
        computed = self.later(start, end) if self.later is not None else {}
        return [
            self.ids[start:end],
            *(
                computed[index] if index in computed else values[start:end]
                for index, values in enumerate(self.columns)
            ),
        ]

    def complete(self) -> None:
        """Compute the columns left for later, for every row."""
        if self.later is not None:
            for index, values in self.later(0, len(self.ids)).items():
                self.columns[index] = values
            self.later = None

    def set_rows(self, rows: dict[str, tuple[Any, ...]]) -> None:
        """Take the values row by row: external id → one value per field."""
        self.ids = list(rows)
        self.columns = [list(values) for values in zip(*rows.values(), strict=True)] or [
            [] for _name in self.fields
        ]

    def all_columns(self) -> list[list[Any]]:
        """The external ids, then the fields' columns."""
        self.complete()
        return [self.ids, *self.columns]

    def rows(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        self.complete()
        return zip(self.ids, zip(*self.columns, strict=True), strict=True)


# --- field mapping ---------------------------------------------------------------------


def detect_mapping(fields: Iterable[str], *, zones: bool = False) -> dict[str, Any]:
    """Which of the layer's fields feed which attribute, by common names (case-insensitive)."""
    by_lower = {name.lower(): name for name in fields}
    mapping: dict[str, Any] = {}
    for key, names in (ZONE_CANDIDATES if zones else CANDIDATES).items():
        mapping[key] = next((by_lower[n] for n in names if n in by_lower), "")
    if not zones:
        mapping["address_fields"] = []
        if not mapping["address_id_field"]:
            mapping["address_version_field"] = ""
    return mapping


def complete_mapping(layer: Layer, options: dict[str, Any], *, zones: bool) -> dict[str, Any]:
    """The detected mapping overridden by the options given; a named field must exist."""
    mapping = detect_mapping(layer.fields, zones=zones)
    for key in mapping:
        given = options.get(key)
        if given is not None:
            mapping[key] = given
    named = [mapping[k] for k in mapping if k != "address_fields" and mapping[k]]
    for name in [*named, *mapping.get("address_fields", [])]:
        if name not in layer.table.columns:
            raise LayerError(
                _("The layer has no field “%(field)s”; its fields are: %(fields)s.")
                % {"field": name, "fields": ", ".join(layer.fields)}
            )
    if not mapping["id_field"]:
        raise LayerError(
            _(
                "No id field was found: name the field that identifies each feature (its "
                "fields are: %s). A re-import updates premises by this id."
            )
            % ", ".join(layer.fields)
        )
    return mapping


def as_text(series: pd.Series | None, length: int) -> list[str]:
    """A column as stripped text ('' when missing); whole floats lose their '.0'."""
    if series is None:
        return [""] * length
    values = series.tolist()
    try:
        return list(map(str.strip, values))  # text only: one pass, no test per value
    except TypeError:
        pass  # missing values, numbers, or text mixed with other values
    missing = series.isna().tolist()
    if pd.api.types.is_float_dtype(series):
        return [
            "" if gone else (str(int(v)) if float(v).is_integer() else repr(v))
            for v, gone in zip(values, missing, strict=True)
        ]
    return [
        "" if gone else (v.strip() if type(v) is str else str(v).strip())
        for v, gone in zip(values, missing, strict=True)
    ]


def rows_of(layer: Layer, rows: np.ndarray) -> Layer:
    """The layer's rows at the increasing positions ``rows`` as a layer of their own (the
    layer itself when that is all of them). The text already read (:func:`column`) is
    taken along rather than read again."""
    if len(rows) == len(layer):
        return layer
    positions = rows.tolist()
    contiguous = bool(len(rows)) and positions[-1] - positions[0] == len(positions) - 1
    if contiguous:
        start, end = positions[0], positions[-1] + 1
        texts = {name: values[start:end] for name, values in layer.text_columns.items()}
    else:
        texts = {
            name: [values[i] for i in positions] for name, values in layer.text_columns.items()
        }
    return Layer(
        name=layer.name,
        crs=layer.crs,
        table=layer.table.iloc[rows].reset_index(drop=True),
        geometry=layer.geometry[rows],
        encoding=layer.encoding,
        text_columns=texts,
    )


def column(layer: Layer, name: str) -> list[str]:
    """The field ``name`` as text (see :func:`as_text`), read once per layer; the list is
    shared, so callers must not change it."""
    if name not in layer.text_columns:
        layer.text_columns[name] = as_text(layer.table[name] if name else None, len(layer))
    return layer.text_columns[name]


@dataclass
class Addresses:
    """A layer's addresses and, when they were composed from parts, each row's street,
    house number and place, from which their search texts are read part by part (see
    :func:`gis.search.line_texts`)."""

    texts: list[str]
    streets: list[str] | None = None
    numbers: list[str] | None = None
    places: list[str] | None = None


def addresses(layer: Layer, mapping: dict[str, Any], *, language: str = "nl") -> Addresses:
    """The premises' addresses in the municipality's ``language``, composed from the
    parts found as ``street number[letter][-suffix][ bus|bte b], postcode city``; a row
    without the street or town in that language takes the other language's.

    Address fields chosen by hand are composed the same way when each is a known part
    (a register's ``street_fr``, ``housenumber``, ``postcode``, ``municipality_fr``);
    other chosen fields are joined with spaces, in the order chosen."""
    chosen = mapping.get("address_fields") or []
    if chosen:
        found = parts_of(chosen)
        if found is None:
            parts = [column(layer, name) for name in chosen]
            return Addresses([" ".join(p for p in row if p) for row in zip(*parts, strict=True)])
    else:
        by_lower = {name.lower(): name for name in layer.fields}
        found = {
            part: [by_lower[c] for c in dict.fromkeys(names) if c in by_lower]
            for part, names in address_parts(language).items()
        }
        if found["address"]:
            return Addresses(column(layer, found["address"][0]))
    return composed_addresses(layer, found, BOX_WORDS.get(language[:2], "bus"))


def parts_of(fields: list[str]) -> dict[str, list[str]] | None:
    """Which address part each chosen field is, or None when one is not known (or two
    are the same part, or one is a whole address)."""
    known = {
        name: part
        for language in ADDRESS_PARTS_IN
        for part, names in address_parts(language).items()
        for name in names
    }
    found: dict[str, list[str]] = {part: [] for part in ADDRESS_PARTS}
    for name in fields:
        part = known.get(name.lower())
        if part is None or part == "address" or found[part]:
            return None
        found[part] = [name]
    return found


def first_filled(layer: Layer, names: list[str]) -> list[str]:
    """Per row, the first of the fields that holds a value ('' without fields)."""
    if not names:
        return column(layer, "")
    values = column(layer, names[0])
    for name in names[1:]:
        if all(values):
            break
        values = [v or other for v, other in zip(values, column(layer, name), strict=True)]
    return values


def composed_addresses(layer: Layer, found: dict[str, list[str]], box_word: str) -> Addresses:
    street, number, postcode, city = (
        first_filled(layer, found[part]) for part in ("street", "number", "postcode", "city")
    )
    # Whole columns at a time; the optional parts only when the layer has them.
    numbers = number
    if found["letter"]:
        numbers = [
            n + letter
            for n, letter in zip(numbers, first_filled(layer, found["letter"]), strict=True)
        ]
    if found["suffix"]:
        numbers = [
            f"{n}-{suffix}" if suffix else n
            for n, suffix in zip(numbers, first_filled(layer, found["suffix"]), strict=True)
        ]
    if found["box"]:
        numbers = [
            f"{n} {box_word} {box}" if box else n
            for n, box in zip(numbers, first_filled(layer, found["box"]), strict=True)
        ]
    # A layer holds few distinct places (postcode and town): each is composed once.
    place_of = {
        pair: f"{pair[0]} {pair[1]}".strip() for pair in set(zip(postcode, city, strict=True))
    }
    places = list(map(place_of.__getitem__, zip(postcode, city, strict=True)))
    if all(street) and all(numbers) and all(places):
        # Every row has all three (the parts are stripped): one pass, no test per row.
        texts = list(map("{} {}, {}".format, street, numbers, places))
    else:
        lines = list(map(str.strip, map("{} {}".format, street, numbers)))
        texts = [
            f"{line}, {place}" if line and place else line or place
            for line, place in zip(lines, places, strict=True)
        ]
    return Addresses(texts, street, numbers, places)


# --- geometry --------------------------------------------------------------------------

POINT_TYPES = {0, 4}  # Point, MultiPoint
POLYGON_TYPES = {3, 6}  # Polygon, MultiPolygon


def geometry_problems(
    layer: Layer, allowed: set[int], prepared: Prepared, *, kind_label: str
) -> np.ndarray:
    """Flags the rows whose geometry is missing, of the wrong type or invalid; returns
    the mask of rows with a usable geometry."""
    geometry = layer.geometry
    missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    types = shapely.get_type_id(geometry)
    wrong = ~missing & ~np.isin(types, list(allowed))
    valid = shapely.is_valid(geometry)
    invalid = ~missing & ~wrong & ~valid
    for i in np.flatnonzero(missing):
        prepared.problem(int(i), _("no geometry"))
    for i in np.flatnonzero(wrong):
        prepared.problem(
            int(i),
            _("not a %(kind)s") % {"kind": kind_label},
            geometry[i].geom_type,
        )
    for i in np.flatnonzero(invalid):
        prepared.problem(int(i), _("invalid geometry"), shapely.is_valid_reason(geometry[i]))
    return ~(missing | wrong | invalid)


def transform_geometries(geometry: np.ndarray, crs: str) -> np.ndarray:
    transformer = to_wgs84(crs)

    def project(coords: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
        return np.round(np.column_stack([lon, lat]), 7)

    return shapely.transform(geometry, project)


def geojson(geometry: Any) -> dict[str, Any]:
    return json.loads(shapely.to_geojson(geometry))


def lonlat_problems(
    lon: np.ndarray, lat: np.ndarray, usable: np.ndarray, prepared: Prepared
) -> np.ndarray:
    inside = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    for i in np.flatnonzero(usable & ~inside):
        prepared.problem(int(i), _("position outside the world"), _("is the CRS right?"))
    return usable & inside


# The longest external id the register keeps (both models' external_id).
MAX_ID_LENGTH = 100


def id_problems(ids: list[str], usable: np.ndarray, prepared: Prepared) -> np.ndarray:
    longest = max(map(len, ids), default=0)
    if longest <= MAX_ID_LENGTH and "" not in ids and len(set(ids)) == len(ids):
        return usable  # the usual case, checked without building a series
    series = pd.Series(ids, dtype=object)
    empty = (series == "").to_numpy()
    duplicated = (series.duplicated(keep=False) & ~(series == "")).to_numpy()
    too_long = (series.str.len() > MAX_ID_LENGTH).to_numpy()
    for i in np.flatnonzero(too_long & ~duplicated):
        prepared.problem(
            int(i),
            _("id longer than %(count)d characters") % {"count": MAX_ID_LENGTH},
            ids[i][:40] + "…",
        )
    first_row: dict[str, int] = {}
    for i in np.flatnonzero(duplicated):
        first_row.setdefault(ids[i], int(i) + 1)
    for i in np.flatnonzero(empty):
        prepared.problem(int(i), _("no id"))
    for i in np.flatnonzero(duplicated):
        prepared.problem(
            int(i),
            _("duplicate id"),
            _("%(id)s, first at row %(row)d") % {"id": ids[i], "row": first_row[ids[i]]},
        )
    return usable & ~empty & ~duplicated & ~too_long
