"""Tools above the app: policy proofs and opt-in checks against AWS (never imported by constructs_lib)."""
