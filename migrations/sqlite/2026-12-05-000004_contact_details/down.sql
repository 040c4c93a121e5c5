DROP TABLE account_contacts;
