// Shown-only-if conditions: walks the JSON tree stored with each question, with exactly
// the rules of inspections/conditions.py (see its docstring). Never evaluates text.
(function (root) {
  "use strict";
  const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

  function asText(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.map(String).join(" ");
    if (typeof value === "boolean") return value ? "yes" : "no";
    return String(value);
  }

  function isNumber(value) {
    return typeof value === "number";
  }

  function asNumber(value) {
    if (value === null || value === undefined || typeof value === "boolean") return null;
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (typeof value === "string" && NUMERIC.test(value)) return parseFloat(value);
    return null;
  }

  function operand(node, answers) {
    if ("ref" in node) {
      const value = answers[node.ref];
      return value === undefined || value === null ? "" : value;
    }
    if ("count" in node) {
      const value = answers[node.count];
      return Array.isArray(value) ? value.length : 0;
    }
    return node.lit;
  }

  function equal(left, right) {
    if (isNumber(left) || isNumber(right)) {
      const a = asNumber(left);
      const b = asNumber(right);
      return a !== null && b !== null && a === b;
    }
    return asText(left) === asText(right);
  }

  function evaluate(node, answers) {
    if (node === null || node === undefined) return true;
    switch (node.op) {
      case "and":
        return node.args.every((arg) => evaluate(arg, answers));
      case "or":
        return node.args.some((arg) => evaluate(arg, answers));
      case "not":
        return !evaluate(node.arg, answers);
      case "selected": {
        const value = answers[node.ref];
        const chosen = Array.isArray(value) ? value.map(String) : asText(value).split(/\s+/).filter(Boolean);
        return chosen.includes(node.value);
      }
      default: {
        const left = operand(node.left, answers);
        const right = operand(node.right, answers);
        if (node.op === "=") return equal(left, right);
        if (node.op === "!=") return !equal(left, right);
        const a = asNumber(left);
        const b = asNumber(right);
        if (a === null || b === null) return false;
        if (node.op === "<") return a < b;
        if (node.op === "<=") return a <= b;
        if (node.op === ">") return a > b;
        if (node.op === ">=") return a >= b;
        throw new Error("Unknown condition " + node.op);
      }
    }
  }

  // A question is shown when its groups' conditions and its own hold.
  function isShown(question, groups, seen) {
    const chain = [];
    let group = groups[question.group || ""];
    while (group && chain.length < 20) {
      chain.push(group.relevant);
      group = groups[group.parent || ""];
    }
    return chain.reverse().every((node) => evaluate(node, seen)) && evaluate(question.relevant, seen);
  }

  root.IntegraConditions = { evaluate, isShown };
})(typeof self !== "undefined" ? self : this);
