"""Video work that touches no database: probing, cutting, encoding, posters.

Everything here takes file paths or file objects and plain numbers, so it can
be tested (and benchmarked) without Django.
"""
