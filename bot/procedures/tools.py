"""The procedure functions as langchain-core StructuredTools for the agent.

`make_tools(rules, roster, calendar=None)` returns `route_document` and `leave_chain`.
Invoked with a dict, a tool returns the same pydantic result as the plain function.
Errors do not raise: invalid arguments and contradictory slots come back as the Chinese
message string (handle_validation_error / handle_tool_error), so the agent can relay it
or ask the user again.
"""
from __future__ import annotations

from langchain_core.tools import StructuredTool, ToolException

from bot.procedures import leave, routing
from bot.procedures.leave import LeaveChainArgs, LeaveChainResult, LeaveError
from bot.procedures.roster import Roster
from bot.procedures.routing import RouteDocumentArgs, RoutingError, RoutingResult
from bot.procedures.rules import RuleSet, explain

ROUTE_DESCRIPTION = (
    "Who reviews, countersigns, discusses and signs a document under the Xiping county "
    "government work rules (arts 40-43, 47-51): signer role and roster person, ordered steps, "
    "whether the standing meeting (常务会议) must discuss it, countersign deadlines, article "
    "citations and warnings. Use for 签发/签署/审核/会签/会议纪要/请示/报告 questions.")
LEAVE_DESCRIPTION = (
    "The leave chain for a roster person (arts 8, 9, 44, 55): to whom they report or apply, "
    "who approves, who is notified, who acts for them meanwhile (互补副县长), the 报备 step, "
    "citations; says plainly when the regulation does not cover the person.")


def make_tools(rules: RuleSet, roster: Roster, calendar=None) -> list[StructuredTool]:
    def route_document(**slots) -> RoutingResult:
        try:
            return routing.route_document(rules, roster, calendar, **slots)
        except RoutingError as exc:
            raise ToolException(str(exc)) from exc

    def leave_chain(**slots) -> LeaveChainResult:
        try:
            return leave.leave_chain(rules, roster, **slots)
        except LeaveError as exc:
            raise ToolException(str(exc)) from exc

    return [
        StructuredTool.from_function(
            route_document, name="route_document", description=ROUTE_DESCRIPTION,
            args_schema=RouteDocumentArgs, handle_tool_error=True,
            handle_validation_error=lambda e: explain(e, routing.LABELS)),
        StructuredTool.from_function(
            leave_chain, name="leave_chain", description=LEAVE_DESCRIPTION,
            args_schema=LeaveChainArgs, handle_tool_error=True,
            handle_validation_error=lambda e: explain(e, leave.LABELS)),
    ]
