"""One blueprint per audience: public pages, the sync API, the staff workspace."""
