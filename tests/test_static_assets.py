"""Every asset is served locally (government intranets are often offline); translations are complete."""

import gettext
import re

import polib
from django.contrib.staticfiles import finders

from tests.conftest import ROOT

EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", re.IGNORECASE)


def _our_files():
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".html", ".css", ".js", ".txt", ".svg"}:
                yield path
    # Each app keeps its templates beside its code (members/ratings/templates/…): every templates folder of ours.
    for folder in ROOT.glob("**/templates"):
        above = set(folder.relative_to(ROOT).parts[:-1])
        if above and not {".venv", ".data", "templates"} & above:
            yield from folder.rglob("*.html")


def test_no_template_or_static_file_references_an_external_host():
    offenders = [str(p.relative_to(ROOT)) for p in _our_files() if EXTERNAL.search(p.read_text(errors="ignore"))]
    assert offenders == []


def test_the_base_template_assets_are_found_locally():
    for asset in ("bootstrap/css/bootstrap.min.css", "bootstrap/js/bootstrap.bundle.min.js",
                  "django_htmx/htmx-2.min.js", "vendor/bootstrap-icons/bootstrap-icons.min.css",
                  "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2", "css/app.css"):
        assert finders.find(asset), asset


def test_vietnamese_catalogue_is_complete_and_compiled():
    po_path = ROOT / "locale/vi/LC_MESSAGES/django.po"
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert untranslated == [], "run `make messages` and translate these"
    with open(po_path.with_suffix(".mo"), "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    def compiled_text(e):
        return compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)

    stale = [e.msgid for e in po if not e.obsolete and not e.msgid_plural and compiled_text(e) != e.msgstr]
    assert stale == [], "the .mo is older than the .po: run `make messages`"


def test_every_string_of_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """makemessages, run over a scratch copy of the sources, finds no msgid the committed catalogue lacks (a
    string added in code or a template and never extracted would show in English to Vietnamese users). The copy
    keeps the real catalogue untouched: makemessages writes into every locale folder it finds."""
    import shutil

    from django.core.management import call_command

    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".venv", ".data", ".git", "test-output", "node_modules", "*.pyc", "__pycache__", "*.mo", "static"))
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]
    call_command("makemessages", locale=["vi"], no_location=True, verbosity=0)

    def ids(path):
        return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)) if not e.obsolete}

    missing = ids(copy / "locale/vi/LC_MESSAGES/django.po") - ids(ROOT / "locale/vi/LC_MESSAGES/django.po")
    assert sorted(m for _c, m in missing) == [], "run `make messages` and translate these"
