"""The guided coaching engine: flows as data, one state machine that runs any of them."""
