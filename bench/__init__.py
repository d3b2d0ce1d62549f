"""Benchmarks of issue 8: ratios measured side by side in one run on one throwaway server (never timed tests).

``python -m bench`` (see __main__.py); results and notes in docs/performance.md.
"""
