"""The LLM agent: the same interview as the guided mode, driven by a tool-calling chat model.

`AgentEngine(settings)` implements the Engine protocol of `assistant.conversation`; the model is
resolved from `settings.model` (`provider:model`) by `assistant.providers`.
"""

from assistant.agent.engine import AgentEngine

__all__ = ["AgentEngine"]
