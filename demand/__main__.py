import sys

from demand.cli import main

sys.exit(main())
