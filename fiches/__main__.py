import sys

from fiches.cli import main

sys.exit(main())
