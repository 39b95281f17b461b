"""Renderers of a BarrierReport: the national form (JSON, DOCX, PDF, HTML), US TACP and EU SEP."""
