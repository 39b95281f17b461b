"""WeChat Official Account and WeCom tests."""
