import sys

from pilotbook.cli.main import main

sys.exit(main())
