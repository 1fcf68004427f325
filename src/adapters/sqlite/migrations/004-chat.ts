/** Subscriptions, overrides, audit log (issue: chat experience). Empty until that work lands: empty migrations are not applied. */
export default '';
