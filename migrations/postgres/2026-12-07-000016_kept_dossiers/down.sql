DROP TABLE kept_dossiers;
