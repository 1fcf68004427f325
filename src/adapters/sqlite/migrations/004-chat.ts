/** Delivery state per destination: pause/deactivation, rate-limit windows (issue: chat experience, delivery). Empty until that work lands: empty migrations are not applied. */
export default '';
