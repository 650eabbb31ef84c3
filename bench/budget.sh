# Budget checks for the bench scripts. Sourced after scripts/lib/common.sh; reads bench/budgets.env.
#
#   check_budget NAME VALUE BUDGET at-most|at-least [UNIT]
#       prints `NAME: VALUE UNIT (budget ≤ BUDGET UNIT) ok` or `... MISSED`; a VALUE that is not a
#       number (the figure could not be measured) misses the budget
#   no_budget NAME VALUE [UNIT]
#       prints `NAME: VALUE UNIT (no budget)`, for figures ARCHITECTURE.md gives no budget
#   exit_if_missed
#       exits 1 when a check_budget of this script missed; call it after printing every figure
#
# When scripts/bench sets BENCH_SUMMARY, every figure is also appended to that file as a row
# (figure, measured, budget, result; tab-separated) for its summary table: print_budget_summary.
# shellcheck shell=bash

# shellcheck source=bench/budgets.env
source "$ROOT/bench/budgets.env"
BUDGET_MISSED=0

is_number() { [[ "$1" =~ ^-?[0-9]+([.][0-9]+)?$ ]]; }

# Appends one row to the summary file, if there is one.
budget_row() {
  if [ -n "${BENCH_SUMMARY:-}" ]; then printf '%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_SUMMARY"; fi
}

check_budget() {
  local name="$1" value="$2" budget="$3" direction="$4" unit="${5:+ $5}"
  local sign
  case "$direction" in
    at-most) sign="≤" ;;
    at-least) sign="≥" ;;
    *) die "check_budget $name: the direction is at-most or at-least, not '$direction'" ;;
  esac
  is_number "$budget" || die "check_budget $name: the budget '$budget' is not a number"
  local result=MISSED
  if is_number "$value" && awk -v v="$value" -v b="$budget" -v d="$direction" \
    'BEGIN { exit !(d == "at-most" ? v + 0 <= b + 0 : v + 0 >= b + 0) }'; then
    result=ok
  fi
  [ "$result" = ok ] || BUDGET_MISSED=$((BUDGET_MISSED + 1))
  echo "$name: $value$unit (budget $sign $budget$unit) $result"
  budget_row "$name" "$value$unit" "$sign $budget$unit" "$result"
}

no_budget() {
  local name="$1" value="$2" unit="${3:+ $3}"
  echo "$name: $value$unit (no budget)"
  budget_row "$name" "$value$unit" "no budget" "-"
}

exit_if_missed() {
  if [ "$BUDGET_MISSED" -gt 0 ]; then
    warn "$BUDGET_MISSED budget(s) missed"
    exit 1
  fi
}

# Pads $1 with spaces to $2 characters (printf would count bytes, and ≤ is three).
budget_pad() { printf '%s%*s' "$1" $(($2 - ${#1})) ''; }

# Prints the rows of a summary file as a table.
print_budget_summary() {
  local file="$1" figure measured budget result
  local w1=6 w2=8 w3=6
  while IFS=$'\t' read -r figure measured budget result; do
    if ((${#figure} > w1)); then w1=${#figure}; fi
    if ((${#measured} > w2)); then w2=${#measured}; fi
    if ((${#budget} > w3)); then w3=${#budget}; fi
  done <"$file"
  printf '%s  %s  %s  %s\n' "$(budget_pad figure "$w1")" "$(budget_pad measured "$w2")" \
    "$(budget_pad budget "$w3")" result
  while IFS=$'\t' read -r figure measured budget result; do
    printf '%s  %s  %s  %s\n' "$(budget_pad "$figure" "$w1")" "$(budget_pad "$measured" "$w2")" \
      "$(budget_pad "$budget" "$w3")" "$result"
  done <"$file"
}
