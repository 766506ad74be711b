"""Certificates: what a learner completed, kept as issued, rendered as a PDF, verified by
its code. Knows nothing of LTI or Flask requests: the web part (lti_tool.certificates)
gives it plain data and the wording in each language."""
