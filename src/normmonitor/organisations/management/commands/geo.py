"""``normmonitor geo``: neighbours from the shipped CBS boundaries, and region fixtures built from
them. Reads only the boundary files; writes nothing to the database."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.organisations import geo

DEFAULT_YEAR = 2021  # the Flevolandse Norm dates from 2021


class Command(BaseCommand):
    help = "Neighbouring municipalities from the CBS boundaries, and region fixtures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        neighbours = sub.add_parser("neighbours", help="Print the neighbours of municipalities.")
        neighbours.add_argument("--province", help="Only municipalities in this PV code.")
        neighbours.add_argument("--json", action="store_true", help="Print JSON.")
        self._common(neighbours)

        fixture = sub.add_parser("region-fixture", help="Write a region fixture for a province.")
        fixture.add_argument("--province", required=True, help="PV code, such as PV24.")
        fixture.add_argument("--key", required=True, help="Region key, such as flevoland.")
        fixture.add_argument("--name", required=True, help='Region name ("District Flevoland").')
        fixture.add_argument("-o", "--output", required=True, help="File to write; - for stdout.")
        self._common(fixture)

    @staticmethod
    def _common(parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=DEFAULT_YEAR, help="Boundary year.")
        parser.add_argument(
            "--min-shared-km",
            type=float,
            default=geo.DEFAULT_MIN_SHARED_KM,
            help="Shortest common border that makes neighbours (default %(default)s km).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = _derive(options["year"], options["min_shared_km"], options.get("province"))
        except geo.GeoDataError as exc:
            raise CommandError(str(exc)) from exc
        if options["action"] == "neighbours":
            self._print_neighbours(data, as_json=options["json"])
            return
        text = render_region_fixture(
            data, key=options["key"], name=options["name"], command=_command_line(options)
        )
        if options["output"] == "-":
            self.stdout.write(text, ending="")
        else:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")

    def _print_neighbours(self, data: dict[str, Any], *, as_json: bool) -> None:
        names, lengths = data["names"], data["lengths"]
        if as_json:
            payload = {
                "year": data["year"],
                "province": data["province"],
                "min_shared_km": data["min_shared_km"],
                "source": data["source"],
                "attribution": geo.ATTRIBUTION,
                "names": {code: names[code] for code in sorted(_involved(data))},
                # code → {neighbour code: shared border in km}
                "neighbours": {
                    code: {
                        n: round(lengths[_pair(code, n)], 3)
                        for n in sorted(data["adjacency"][code])
                    }
                    for code in data["selected"]
                },
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"# {data['source']}\n# {geo.ATTRIBUTION}")
        for code in data["selected"]:
            parts = [
                f"{n} {names[n]} ({lengths[_pair(code, n)]:.2f} km)"
                + ("" if n in data["selected"] else " [outside]")
                for n in sorted(data["adjacency"][code])
            ]
            self.stdout.write(f"{code} {names[code]}: {', '.join(parts) or '-'}")


def _derive(year: int, min_shared_km: float, province: str | None) -> dict[str, Any]:
    municipal_file = geo.boundary_file("gemeente", year)
    municipalities = geo.load_features(municipal_file)
    adjacency = geo.adjacency(municipalities, min_shared_km=min_shared_km)
    selected = sorted(adjacency)
    province_name = None
    if province:
        # Only 2021 province boundaries are shipped; they have not changed since.
        try:
            province_file = geo.boundary_file("provincie", year)
        except geo.GeoDataError:
            province_file = geo.boundary_file("provincie", 2021)
        provinces = {p.statcode: p for p in geo.load_features(province_file)}
        if province not in provinces:
            raise geo.GeoDataError(
                f"Unknown province {province}; known: {', '.join(sorted(provinces))}"
            )
        province_name = provinces[province].name
        membership = geo.province_of(municipalities, provinces.values())
        selected = [code for code in selected if membership[code] == province]
    return {
        "year": year,
        "province": province,
        "province_name": province_name,
        "min_shared_km": min_shared_km,
        "source": (
            f"CBS municipal boundaries {year}, generalised "
            f"({geo.SOURCES.get(municipal_file.name, municipal_file.name)}); "
            f"neighbours share >= {min_shared_km:g} km of border"
        ),
        "names": {m.statcode: m.name for m in municipalities},
        "lengths": geo.shared_boundaries(municipalities),
        "adjacency": adjacency,
        "selected": selected,
    }


def render_region_fixture(data: dict[str, Any], *, key: str, name: str, command: str) -> str:
    """The fixture as YAML text, written by hand so that each pair carries a readable comment.
    Strings are JSON-quoted, which YAML reads as double-quoted scalars."""
    names, lengths, selected = data["names"], data["lengths"], set(data["selected"])
    q = _quote
    lines = [
        f"# Region fixture, generated by: {command}",
        "# Do not edit by hand: regenerate. Load with services.load_region_fixture().",
        "region:",
        f"  key: {q(key)}",
        f"  name: {q(name)}",
        f"source: {q(data['source'])}",
        f"attribution: {q(geo.ATTRIBUTION)}",
        "organisations:",
        f"  - code: {q(data['province'])}",
        f"    name: {q('Provincie ' + data['province_name'])}",
        "    type: provincie",
        f"    cbs_code: {q(data['province'])}",
    ]
    for code in sorted(selected):
        lines += [
            f"  - code: {q(code)}",
            f"    name: {q(names[code])}",
            "    type: gemeente",
            f"    cbs_code: {q(code)}",
        ]
    internal, external = [], []
    for code in sorted(selected):
        for other in sorted(data["adjacency"][code]):
            if other in selected and other < code:
                continue  # each internal pair once
            line = (
                f"  - [{q(code)}, {q(other)}]  # {names[code]} – {names[other]}, "
                f"{lengths[_pair(code, other)]:.2f} km"
            )
            (internal if other in selected else external).append(line)
    lines.append("# Within the region; stored in both directions.")
    lines.append("neighbours:" + ("" if internal else " []"))
    lines += internal
    lines.append("# Outside the region (member first); for information only, not loaded.")
    lines.append("external_neighbours:" + ("" if external else " []"))
    lines += external
    return "\n".join(lines) + "\n"


def _quote(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _involved(data: dict[str, Any]) -> set[str]:
    codes = set(data["selected"])
    for code in data["selected"]:
        codes |= data["adjacency"][code]
    return codes


def _command_line(options: dict[str, Any]) -> str:
    # The output path is left out so that the header does not depend on where it was written.
    parts = ["normmonitor", "geo", "region-fixture", "--province", options["province"]]
    parts += ["--key", options["key"], "--name", options["name"], "--year", str(options["year"])]
    if options["min_shared_km"] != geo.DEFAULT_MIN_SHARED_KM:
        parts += ["--min-shared-km", f"{options['min_shared_km']:g}"]
    return shlex.join(parts)
