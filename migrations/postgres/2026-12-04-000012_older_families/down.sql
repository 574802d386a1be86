-- Back to the four kinds; fails while records of the older families remain.
ALTER TABLE standards DROP CONSTRAINT standards_kind_known;
ALTER TABLE standards ADD CONSTRAINT standards_kind_known CHECK (kind IN ('TCVN', 'QCVN', 'QCĐP', 'ĐLVN'));
