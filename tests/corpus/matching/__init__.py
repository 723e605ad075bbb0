"""Hand-labelled resume–job pairs for the match score, and the shared measurement code."""
