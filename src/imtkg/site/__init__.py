"""The parts of the static linked-data site that :func:`imtkg.publish.publish` writes.

``iris`` maps IRIs to the site's files and rewrites the data's base; ``sources`` splits the build
into one named graph per source; ``describe`` indexes the graph for pages (labels, types, incoming
links, resource descriptions); ``rdf`` writes deterministic serializations and the JSON-LD
context; ``void`` describes the dataset (VoID, DCAT, SPARQL service description); ``ontodoc``
documents the ontology with pyLODE; ``pages`` renders the HTML pages from the Jinja2 templates in
``templates/``. docs/publication.md describes the result.
"""
