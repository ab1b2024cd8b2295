"""Construct library for the AWS Organizations management account baseline."""

from constructs_lib._node import use_bundled_node

use_bundled_node()
