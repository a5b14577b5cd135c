// enums.js: the values of the server's data model (docs/data-model.md) that forms offer.
export const TYPES = ['seizure', 'stopped-shipment', 'suspicious-shipment', 'online-offer', 'purchase-request', 'illicit-laboratory', 'internet-pharmacy', 'diversion-attempt', 'warning'];
export const STATUSES = ['draft', 'confirmed', 'shared', 'closed'];
export const TLPS = ['clear', 'green', 'amber', 'amber+strict', 'red'];
export const DISTRIBUTIONS = ['own-org', 'sharing-group', 'all'];
export const TRANSPORT = ['air', 'sea', 'road', 'rail', 'postal', 'courier', 'passenger', 'online', 'other'];
export const UNITS = ['mg', 'g', 'kg', 't', 'ml', 'l', 'tablets', 'capsules', 'blotters', 'units', 'doses', 'ampoules', 'vials', 'plants'];
export const OBSERVABLE_TYPES = ['phone', 'email', 'url', 'domain', 'onion', 'handle', 'wallet', 'pgp', 'company', 'tracking'];
export const CLASSES = ['opioid', 'stimulant', 'sedative', 'psychedelic', 'dissociative', 'entactogen', 'cannabis', 'synthetic-cannabinoid', 'precursor', 'other'];
export const ORG_KINDS = ['government', 'international-body', 'platform', 'drug-checking-service'];
export const ROLES = ['admin', 'analyst', 'viewer'];
export const SCOPES = ['read', 'write', 'submit-hits'];
