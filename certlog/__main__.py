import sys

from certlog.cli import main

sys.exit(main())
