"""Open Badges 3.0 credentials signed with a Data Integrity proof (``eddsa-rdfc-2022``).

Pure functions, no database: ``multibase`` (base58btc and Multikey), ``loader`` (the JSON-LD
contexts kept in ``passport/contexts/``, never fetched), ``proof`` (sign and verify), ``status``
(Bitstring Status List) and ``schema`` (the Open Badges 3.0 JSON schema).
"""
