"""HTTP on both sides of the domain: parsing requests, identifying clients, rendering JSON."""
