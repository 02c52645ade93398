"""Module I: enforcement of fines — enforcement files, payments, instalments, arrears."""
