import sys

from certlog.runners.cli import main

sys.exit(main())
