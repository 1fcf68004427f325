/** Language detection, sentiment and mindshare series (issue: language and meaning). Empty until that work lands: empty migrations are not applied. */
export default '';
