DROP TABLE daily_allowances;
