"""From a file or an upload to an Article: reading, HTML extraction, cleaning, splitting."""
