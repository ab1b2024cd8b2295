"""Construct library for the AWS Organizations management account baseline."""

from constructs_lib import _fast_load
from constructs_lib._node import use_bundled_node

# Both before cdktf starts its Node.js process: which Node, and what it preloads.
use_bundled_node()
_fast_load.install()
