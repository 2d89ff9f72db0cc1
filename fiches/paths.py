"""Project paths, built from the code's own location."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# the app's secrets (moderation password hash, database), git-ignored
SECRETS = ROOT / ".streamlit" / "secrets.toml"
RAW = DATA / "raw"
GEO = ROOT / "geo"
STATIC = ROOT / "static"

FICHES_CSV = DATA / "fiches.csv"
PLACES_CSV = DATA / "places.csv"
CURATION = DATA / "curation.toml"
SOURCES = DATA / "sources.toml"

COMMUNES_CSV = GEO / "communes.csv.gz"
DEPARTEMENTS_CSV = GEO / "departements.csv"
CONTOURS_GEOJSON = GEO / "contours.geojson"
QUARTIERS_CSV = GEO / "quartiers.csv"
GEOCODE_CACHE = GEO / "geocode_cache.json"
