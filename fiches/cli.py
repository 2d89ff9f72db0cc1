"""Command line: ``python -m fiches {build,import,report,docs,assets,export-contributions}``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fiches import paths


def _cmd_build(args: argparse.Namespace) -> int:
    from fiches.build import build
    from fiches.store import data_lock, write_atomic

    data_dir = Path(args.data_dir)
    with data_lock(data_dir):
        result = build(data_dir=data_dir)
        write_atomic(
            {
                data_dir / "fiches.csv": result.fiches_csv(),
                data_dir / "places.csv": result.places_csv(),
            }
        )
    for w in result.warnings:
        print(f"attention : {w}", file=sys.stderr)
    print(f"{len(result.fiches)} fiches, {len(result.places)} lieux -> {data_dir}")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    from fiches.importer import DocumentRefused, apply_import, decode_document, plan_import
    from fiches.parse import ParseError

    path = Path(args.document)
    data_dir = Path(args.data_dir)
    try:
        text = decode_document(path.read_bytes(), path.name)
        plan = plan_import(text, path.name, data_dir=data_dir)
    except FileNotFoundError:
        print(f"erreur : document introuvable : {path}", file=sys.stderr)
        return 2
    except (ParseError, DocumentRefused) as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    print(plan.summary())
    if args.dry_run:
        print("(essai à blanc : aucun fichier modifié)")
        return 0
    apply_import(plan, data_dir=data_dir)
    print(f"importé dans {data_dir}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from fiches.report import places_report
    from fiches.store import load_tables

    data_dir = Path(args.data_dir)
    fiches, places, warnings = load_tables(data_dir / "fiches.csv", data_dir / "places.csv")
    print(places_report(fiches, places))
    for w in warnings:
        print(f"attention : {w}", file=sys.stderr)
    return 0


def _cmd_assets(args: argparse.Namespace) -> int:
    from fiches.assets import ensure_static_assets

    copied = ensure_static_assets()
    print(f"static/vendor : {len(copied)} fichier(s) copié(s)")
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    from fiches.docs import update_readme

    changed = update_readme()
    print("data/README.md mis à jour" if changed else "data/README.md déjà à jour")
    return 0


def _cmd_export_contributions(args: argparse.Namespace) -> int:
    from fiches.contrib.db import DatabaseUnavailable, open_store, read_secrets
    from fiches.contrib.proposal import export_contributions, vocabulary
    from fiches.store import load_tables, write_atomic

    data_dir = Path(args.data_dir)
    try:  # the database the app uses: FICHES_DATABASE_URL, else [connections.sql]
        secrets = read_secrets(*([Path(args.secrets)] if args.secrets else []))
        records = open_store(args.database_url or None, secrets=secrets).published()
    except ValueError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:
        print(f"erreur : {exc} ({exc.detail})", file=sys.stderr)
        return 2
    fiches, _, _ = load_tables(data_dir / "fiches.csv", data_dir / "places.csv")
    export = export_contributions(records, committed_ids=fiches["id"], vocab=vocabulary(data_dir))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_atomic({out / name: text for name, text in export.files.items()})
    for warning in export.warnings:
        print(f"attention : {warning}", file=sys.stderr)
    print(f"{len(records)} fiche(s) proposée(s) en ligne -> {out}")
    for name in export.files:
        print(f"  {out / name}")
    return 0


def _cmd_moderator_password(args: argparse.Namespace) -> int:
    from getpass import getpass

    from fiches.contrib.auth import ENV_HASH, hash_password

    if sys.stdin.isatty():
        password = getpass("Mot de passe de modération : ")
        if password and getpass("Le même, une seconde fois : ") != password:
            print("erreur : les deux saisies diffèrent.", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("erreur : le mot de passe est vide.", file=sys.stderr)
        return 2
    print(
        f"Empreinte à placer dans {ENV_HASH} ou dans les secrets ([moderation] password_hash) :",
        file=sys.stderr,
    )
    print(hash_password(password))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fiches", description=__doc__)
    parser.add_argument(
        "--data-dir", default=str(paths.DATA), help="dossier data/ (défaut : %(default)s)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="reconstruire data/fiches.csv et data/places.csv").set_defaults(
        func=_cmd_build
    )
    imp = sub.add_parser("import", help="importer un document de fiches (même format)")
    imp.add_argument("document")
    imp.add_argument("--dry-run", action="store_true", help="afficher sans rien écrire")
    imp.set_defaults(func=_cmd_import)
    sub.add_parser("report", help="lieux de chaque fiche : niveau, précision, source").set_defaults(
        func=_cmd_report
    )
    sub.add_parser("docs", help="régénérer le dictionnaire de data/README.md").set_defaults(
        func=_cmd_docs
    )
    sub.add_parser("assets", help="copier Leaflet dans static/vendor").set_defaults(
        func=_cmd_assets
    )
    exp = sub.add_parser(
        "export-contributions",
        help="écrire les fiches acceptées en ligne au format d'import, avec leur curation",
    )
    exp.add_argument(
        "--out",
        default=str(paths.ROOT / "var" / "contributions"),
        help="dossier (défaut : %(default)s)",
    )
    exp.add_argument(
        "--database-url",
        default="",
        help="base de données (défaut : FICHES_DATABASE_URL, sinon [connections.sql] des secrets)",
    )
    exp.add_argument(
        "--secrets",
        default="",
        help="fichier de secrets (défaut : ~/.streamlit/secrets.toml puis .streamlit/secrets.toml)",
    )
    exp.set_defaults(func=_cmd_export_contributions)
    sub.add_parser(
        "moderator-password",
        help="empreinte argon2 du mot de passe de modération (lu sur l'entrée standard)",
    ).set_defaults(func=_cmd_moderator_password)
    args = parser.parse_args(argv)
    return args.func(args)
