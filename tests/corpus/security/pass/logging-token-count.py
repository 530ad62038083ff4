logger.info(f"issued {token_count} tokens")
