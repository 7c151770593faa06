import sys

from exportgraph.cli import main

sys.exit(main())
