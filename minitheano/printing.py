"""Text views of graphs (debugprint, pp) -- filled in below."""
