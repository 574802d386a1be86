-- The older national families still cited (QCXDVN, TCXDVN, TCXD, TCN) are catalogue kinds too.
ALTER TABLE standards DROP CONSTRAINT standards_kind_known;
ALTER TABLE standards ADD CONSTRAINT standards_kind_known CHECK (kind IN ('TCVN', 'QCVN', 'QCĐP', 'ĐLVN', 'QCXDVN', 'TCXDVN', 'TCXD', 'TCN'));
