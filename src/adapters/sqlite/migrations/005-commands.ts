/** Subscriptions, admin overrides of the YAML config and their audit log (issue: chat experience, commands). Empty until that work lands: empty migrations are not applied. */
export default '';
