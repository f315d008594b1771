"""Safe Harbor: an Alexa skill backend for private guided exercises."""
