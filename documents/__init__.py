"""Outcome documents: declarations and their versions, paragraphs and amendments, the
silence procedure, position statements and recommendations (app label ``documents``)."""
