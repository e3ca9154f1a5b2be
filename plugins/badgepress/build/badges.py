"""Badge images: an achievement's own image or its generated SVG badge, each SVG drawn as PNG once.

Drawing an SVG badge as PNG costs about 30 ms; the drawn PNG is kept in the
cache store (kind ``"rasters"``) by the SVG's bytes. Generating an SVG badge
costs about a millisecond, so it is simply done again at every build.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping

from badgepress.build.credentials import Lazy
from badgepress.build.urls import Urls
from badgepress.cache import Store, fingerprint
from badgepress.domain import Achievement, Program
from badgepress.errors import InputError, Problem
from badgepress.load.files import read_image
from badgepress.load.model import type_label
from badgepress.load.settings import Settings


def badge_artwork(achievement: Achievement, settings: Settings) -> bytes:
    """The generated SVG badge of an achievement that has no image of its own."""
    from badgepress.build.artwork import default_badge_svg

    spec = achievement.spec
    svg = default_badge_svg(
        spec.name,
        primary=settings.colors.primary,
        accent=settings.colors.accent,
        subtitle=type_label(spec.achievement_type),
    )
    return svg.encode("utf-8")


def draw_pngs(program: Program, svgs: Mapping[str, bytes], store: Store | None) -> dict[str, bytes]:
    """Each achievement's SVG badge drawn as PNG, once: kept in the store by the SVG's bytes.

    About 30 ms a badge on an idle core (6 s for 200 achievements, cold), so it
    pays to keep. Drawing over the cores showed no gain on the shared 2-core
    machine it was measured on, so it is not done.
    """
    drawn: dict[str, bytes] = {}
    todo = []
    for slug, svg in svgs.items():
        kept = store.get_bytes("rasters", fingerprint(svg)) if store is not None else None
        if kept is None:
            todo.append(slug)
        else:
            drawn[slug] = kept
    problems: list[Problem] = []
    for slug, png in zip(todo, [_raster(svgs[s]) for s in todo], strict=True):
        if isinstance(png, str):
            problems.append(Problem(program.achievements[slug].file, 1, "image", png, "check the SVG file"))
            continue
        drawn[slug] = png
        if store is not None:
            store.put_bytes("rasters", fingerprint(svgs[slug]), png)
    if problems:
        raise InputError(problems)
    return drawn


def _raster(svg: bytes) -> bytes | str:
    """The PNG of ``svg``, or why it cannot be drawn."""
    from badgepress.build.raster import RasterError, rasterize

    try:
        return rasterize(svg)
    except RasterError as err:
        return str(err)


def issuer_image(program: Program, urls: Urls, files: Lazy[bytes]) -> str | None:
    """The issuer's logo: its URL, as given or (a file of the program) published as ``issuer.<suffix>``."""
    image = program.settings.issuer.image
    if not image:
        return None
    if image.startswith(("https://", "http://")):
        return image
    path = (program.root / image).resolve()
    suffix = path.suffix.lower()
    if suffix not in {".png", ".svg"} or not mimetypes.guess_type(path.name)[0]:
        raise InputError([Problem(program.problems_file, 0, "issuer.image", "must be a .png or .svg file")])
    if not path.is_file():
        raise InputError(
            [
                Problem(
                    program.problems_file,
                    0,
                    "issuer.image",
                    f"file {image!r} not found",
                    "give a path relative to mkdocs.yml",
                )
            ]
        )
    target = f"issuer{suffix}"
    files[target] = read_image(path, program.problems_file, "issuer.image")
    return urls.absolute(target)
