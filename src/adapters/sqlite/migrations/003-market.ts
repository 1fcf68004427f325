/** Sector index, event studies (issue: market intelligence). Empty until that work lands: empty migrations are not applied. */
export default '';
