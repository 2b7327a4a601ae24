"""callgen: vendor outbound-call API specs in, a typed Python package `outbound` out."""

__version__ = "0.1.0"
