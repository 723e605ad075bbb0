"""Hand-written fictional resumes, their renderings and the accuracy measurement built on them."""
