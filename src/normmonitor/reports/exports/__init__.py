"""Exports of a round (XLSX, ODS, CSV), of a whole installation (JSON), and the offline
fill-in workbook."""
