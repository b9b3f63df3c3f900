"""The agent's tools: every change to a map, and knowledge search, as LangChain tools.

The guided engine and the LLM agent call the same tools (see `tools.toolbox.ToolBox`).
"""

from tools.context import ToolContext
from tools.toolbox import ToolBox, ToolResult

__all__ = ["ToolBox", "ToolContext", "ToolResult"]
