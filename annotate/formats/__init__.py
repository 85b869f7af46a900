"""Converters between the whosaidwhat corpus format and annotation tools' formats.

One module per format (`labelstudio`, `brat`, `doccano`, `spacy_docbin`, `dna`);
the span formats share `graph` (our layers as regions and links) and `key`
(what tools have no field for).  `commands` registers ``whosaidwhat convert``.
See README.md in this directory for every mapping decision.
"""
