"""OpenCTPAT: run a company's CTPAT supply-chain security program."""

__version__ = "0.1.0"
