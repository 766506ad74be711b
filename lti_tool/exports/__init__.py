"""Completion exports for trainers, coordinators and the command line (CSV and XLSX)."""
